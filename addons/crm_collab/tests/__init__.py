from . import test_crm_collab_security
