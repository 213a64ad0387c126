"""Key bindings in the chosen language.

Textual reads ``BINDINGS`` once, when a class is created, so descriptions written there cannot be
translated at that time (the language is chosen later, at start-up). They are written in English and
marked with ``N_``; each node that has bindings calls ``translate_bindings(self)`` in ``__init__`` to
swap in its own translated copies, which the footer, the help screen and the keymap then use.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from cycles.i18n import _


def translated(binding: Binding) -> Binding:
    return replace(
        binding,
        description=_(binding.description) if binding.description else "",
        tooltip=_(binding.tooltip) if binding.tooltip else "",
    )


def translate_bindings(node: DOMNode) -> None:
    # ``_bindings`` is the node's own copy of its class bindings (Textual copies it per instance).
    keys = {
        key: [translated(b) for b in bindings] for key, bindings in node._bindings.key_to_bindings.items()
    }
    node._bindings = BindingsMap.from_keys(keys)


def key_display(node: DOMNode, binding: Binding) -> str:
    """How the app shows a binding's key, after the user's keymap."""
    keymap: dict[str, str] = getattr(node.app, "keymap", {})
    key = keymap.get(binding.id, binding.key) if binding.id else binding.key
    return " / ".join(
        node.app.get_key_display(replace(binding, key=k.strip(), key_display=None)) for k in key.split(",")
    )


def key_for(nodes: list[DOMNode], binding_id: str) -> str:
    """The key (after the keymap) of the binding ``binding_id`` among ``nodes``' bindings."""
    for node in nodes:
        for bindings in node._bindings.key_to_bindings.values():
            for b in bindings:
                if b.id == binding_id:
                    return key_display(node, b)
    return "?"
