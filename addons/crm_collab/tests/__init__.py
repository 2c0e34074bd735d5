from . import test_crm_collab_security
from . import test_crm_collab_i18n
from . import test_crm_collab_landing
from . import test_crm_interaction
from . import test_crm_interaction_security
from . import test_crm_interaction_queries
from . import test_crm_interaction_ui
