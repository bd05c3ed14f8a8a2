# Oscar's models are loaded last so that any model defined above replaces
# Oscar's of the same name (Oscar's forking convention).
from oscar.apps.catalogue.models import *  # noqa: E402, F403
