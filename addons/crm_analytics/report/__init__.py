from . import crm_profitability_report
from . import crm_profitability_xlsx
from . import crm_pipeline_forecast_report
from . import crm_attribution_report
from . import crm_salesperson_report
from . import crm_agent_report
from . import crm_analytics_report
from . import crm_revenue_forecast_chart
