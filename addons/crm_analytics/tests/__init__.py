from . import test_crm_analytics_security
