"""The local schema registry, from the settings (an existing one is named by
``LINTAS_SCHEMA_REGISTRY_URL``; :attr:`lintas.core.settings.Settings.registry_url` says
where lintas finds either)."""

from __future__ import annotations

from lintas.core.settings import Settings
from lintas.kafka.schemaregistry.local import (
    APICURIO_VERSION,
    CCOMPAT_PATH,
    LocalSchemaRegistry,
    RegistryStatus,
)

__all__ = ["APICURIO_VERSION", "CCOMPAT_PATH", "LocalSchemaRegistry", "RegistryStatus",
           "local_registry"]


def local_registry(settings: Settings) -> LocalSchemaRegistry:
    """The local schema registry these settings describe."""
    return LocalSchemaRegistry(settings.home / "registry", settings.cache_dir,
                               port=settings.schema_registry_port,
                               heap=settings.schema_registry_heap)
