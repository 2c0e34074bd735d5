from . import test_crm_suite_security
from . import test_crm_suite_ui
from . import test_crm_suite_i18n
from . import test_crm_lead_scoring
from . import test_crm_lead_scoring_flow
from . import test_crm_lead_followup
