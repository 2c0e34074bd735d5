from . import share
from . import portal
