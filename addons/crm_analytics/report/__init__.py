from . import crm_profitability_report
from . import crm_profitability_xlsx
from . import crm_segment_report
