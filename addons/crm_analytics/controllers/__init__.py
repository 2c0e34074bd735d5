from . import crm_profitability_xlsx
