# Models land here, one per file; mixins before the models that inherit them.
from . import res_company
from . import res_config_settings
from . import crm_document_tag
from . import crm_document_folder
from . import crm_document
from . import crm_document_version
from . import crm_collab_token_mixin
from . import crm_document_share
from . import crm_document_share_log
from . import crm_document_request
from . import crm_document_filing
from . import crm_consent_log
from . import crm_partner_consent
from . import res_partner
from . import crm_collab_demo
from . import crm_interaction_sources
from . import crm_interaction_account_sources
from . import crm_interaction_timeline
from . import crm_interaction_collab_sources
from . import crm_handoff_job
from . import crm_handoff_auto
from . import crm_handoff_receiver
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

# the timeline's view reads the tables above (handoffs, shares): created last
from . import crm_interaction
