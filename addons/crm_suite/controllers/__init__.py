from . import portal
from . import web_form
