"""Changes made by the public site and its editors."""


# --- Engagement: views and share clicks ------------------------------------
# (ENGAGEMENT SECTION: ENGAGEMENT_WINDOW, destination_engagement_record)


# --- Tourism officers and the province's review -----------------------------
# (OFFICERS SECTION: district_section_officers_ensure, tourism_review_workflow_ensure, ...)
