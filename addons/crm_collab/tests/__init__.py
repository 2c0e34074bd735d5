from . import test_crm_collab_security
from . import test_crm_collab_i18n
from . import test_crm_collab_landing
from . import test_crm_collab_consent
from . import test_crm_collab_consent_campaign
from . import test_crm_collab_handoff
from . import test_crm_collab_handoff_auto
from . import test_crm_collab_reply_channel
