"""Texts of the demo's activities: call, meeting, email and task subjects, topics, and bodies."""

from __future__ import annotations

CALL_SUBJECTS = (
    "Discovery call with {name}",
    "Follow-up call: {topic}",
    "Pricing discussion with {name}",
    "Check-in call",
    "Call about {topic}",
    "Renewal call with {name}",
)
CALL_OUTCOMES = ("Connected", "Left voicemail", "No answer", "Meeting booked", "Call back later")
MEETING_SUBJECTS = (
    "Demo for {org}",
    "Quarterly business review",
    "Onsite workshop at {org}",
    "Contract review meeting",
    "Kick-off meeting",
    "Lunch with {name}",
)
EMAIL_SUBJECTS = (
    "Re: Proposal for {org}",
    "Pricing and next steps",
    "Re: {topic}",
    "Meeting notes",
    "Introduction: Sambandh for {org}",
    "Re: Contract draft v{n}",
)
TASK_SUBJECTS = (
    "Send proposal to {name}",
    "Follow up with {name}",
    "Prepare demo for {org}",
    "Call {name} about {topic}",
    "Update the quote",
    "Book a meeting with {name}",
    "Send contract to {org}",
    "Check payment status",
)
TOPICS = (
    "the renewal",
    "pricing",
    "the pilot",
    "data migration",
    "user training",
    "the integration",
    "the security review",
    "invoicing",
)
NOTE_BODIES = (
    "Spoke with {name}: they want a decision before the end of the quarter.",
    "{org} is comparing us with two other vendors; local-language support matters most.",
    "Budget approved in principle. Waiting on the CFO's sign-off.",
    "They need Telugu and Hindi on the customer portal.",
    "Asked for references from a company of their size.",
    "Procurement wants a three-year price lock.",
    "Met at the trade show; interested in the analytics add-on.",
    "Contract is with their legal team; expect comments next week.",
    "Champion is moving to another role; find a new sponsor.",
    "Good call. Sent the summary by email.",
)
CALL_BODIES = (
    "Walked through the pricing options.",
    "Discussed timelines and the rollout plan.",
    "They asked about data residency in their region.",
    "Agreed on the next steps.",
    "",
    "",
)
EMAIL_BODIES = (
    "Thanks for your time today. As discussed, please find the proposal attached.",
    "Following up on our conversation about the rollout.",
    "Could you confirm the number of seats for the quote?",
    "Here are the notes from our meeting.",
)
