from . import test_crm_analytics_security
from . import test_crm_analytics_i18n
from . import test_crm_analytics_landing
from . import test_crm_profitability
from . import test_crm_profitability_costs
