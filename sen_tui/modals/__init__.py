"""ModalScreen[T] dialogs."""
