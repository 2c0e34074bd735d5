from . import test_crm_analytics_security
from . import test_crm_analytics_i18n
from . import test_crm_analytics_landing
from . import test_crm_profitability
from . import test_crm_profitability_dashboard
from . import test_crm_profitability_demo
from . import test_crm_profitability_reports
from . import test_crm_profitability_xlsx
