from . import crm_ticket_merge
