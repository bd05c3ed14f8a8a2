"""Oscar's catalogue, forked (app label stays ``catalogue``): products with
traceable origin, lots, trace events and labels."""
