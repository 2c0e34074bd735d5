from . import test_crm_suite_security
from . import test_crm_suite_ui
from . import test_crm_suite_i18n
