from . import crm_ticket_report
