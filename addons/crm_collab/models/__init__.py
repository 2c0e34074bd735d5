# Models land here, one per file.
from . import crm_consent_log
from . import crm_partner_consent
from . import res_partner
from . import res_company
from . import res_config_settings
from . import crm_handoff_job
from . import crm_handoff_auto
from . import crm_handoff
from . import crm_handoff_kpi_mixin
from . import crm_team
from . import crm_ticket_team
from . import crm_lead_hot
from . import crm_reply_channel_mixin
from . import crm_lead
from . import crm_drip_trace
from . import crm_drip_participant
from . import crm_ticket
