"""The event source mapping operations Lambda's rest-json service serves beside the function
operations (aws-facts §3.1); services.py builds that service."""

from __future__ import annotations

from headwater.triggers.operations.create_event_source_mapping import (
    create_event_source_mapping,
)
from headwater.triggers.operations.delete_event_source_mapping import (
    delete_event_source_mapping,
)
from headwater.triggers.operations.get_event_source_mapping import get_event_source_mapping
from headwater.triggers.operations.list_event_source_mappings import list_event_source_mappings
from headwater.triggers.operations.update_event_source_mapping import (
    update_event_source_mapping,
)

OPERATIONS = {
    "CreateEventSourceMapping": create_event_source_mapping,
    "DeleteEventSourceMapping": delete_event_source_mapping,
    "GetEventSourceMapping": get_event_source_mapping,
    "ListEventSourceMappings": list_event_source_mappings,
    "UpdateEventSourceMapping": update_event_source_mapping,
}

