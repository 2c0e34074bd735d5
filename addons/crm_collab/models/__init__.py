# Models land here, one per file.
from . import crm_interaction_sources
from . import crm_interaction_timeline
from . import crm_interaction
from . import res_partner
from . import crm_lead
from . import crm_ticket
