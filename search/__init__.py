"""Oscar's search app, forked so the project owns the ``search`` label: one
search interface over products, cooperatives and destinations."""
