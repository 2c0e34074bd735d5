# Models land here, one per file.
from . import res_company
from . import crm_document_tag
from . import crm_document_folder
from . import crm_document
from . import crm_document_version
from . import crm_document_share
from . import crm_document_share_log
from . import crm_document_request
from . import crm_document_filing
from . import res_partner
from . import crm_collab_demo
from . import crm_interaction_sources
from . import crm_interaction_timeline
from . import crm_interaction
from . import crm_lead
from . import crm_ticket
