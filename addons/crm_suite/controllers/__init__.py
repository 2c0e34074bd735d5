from . import home
from . import portal
from . import web_form
from . import mass_mailing
