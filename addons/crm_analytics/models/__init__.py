from . import crm_customer_profitability_export
from . import crm_profitability_profile
from . import crm_customer_profitability
from . import res_partner
