from . import crm_profitability_report
from . import crm_profitability_xlsx
