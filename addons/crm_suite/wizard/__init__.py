from . import crm_ticket_merge
from . import crm_drip_test
from . import mail_compose_message
from . import base_partner_merge
