"""Reading the portfolio's rows in one snapshot: for exports, the review and the portfolio document."""
