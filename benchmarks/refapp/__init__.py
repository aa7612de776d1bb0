"""Reference pages for the benchmarks only: a plain Wagtail page and Wagtail's own form page."""
