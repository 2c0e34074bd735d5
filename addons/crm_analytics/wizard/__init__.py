from . import crm_profitability_compute_wizard
