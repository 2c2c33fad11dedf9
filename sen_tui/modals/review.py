"""The review and amendment dialogs (SPEC §3)."""

from sen_tui.modals.prompt import TextPromptModal

COMMENT_MAX = 4000  # shared.schemas.ReviewDecision.comment
REASON_MAX = 2000  # shared.schemas.AmendRequest.reason


def approve_dialog(report_id: str) -> TextPromptModal:
    return TextPromptModal(
        f"Approve {report_id}",
        "It is submitted and routed at once. Comment (optional):",
        confirm="Approve",
        required=False,
        max_length=COMMENT_MAX,
    )


def return_dialog(report_id: str) -> TextPromptModal:
    return TextPromptModal(
        f"Return {report_id} to its author",
        "Say what needs changing (required):",
        confirm="Return",
        required=True,
        max_length=COMMENT_MAX,
        placeholder="e.g. Add the arresting officer's contact details.",
    )


def amend_dialog(report_id: str) -> TextPromptModal:
    return TextPromptModal(
        f"Amend {report_id}",
        "The amendment makes a new version; recipients see it as updated. Reason (required):",
        confirm="Amend",
        required=True,
        max_length=REASON_MAX,
    )
