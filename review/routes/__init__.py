"""Route modules of the review UI, one per page or action group."""
