"""Files the business owns: spend and contract exports, surveys, objectives and their mapping."""
