"""Suggestions made by the computer, on this laptop, for people to accept or dismiss: themes
found in the answers (:mod:`.themes`), groupings of existing codes into parent themes
(:mod:`.groupings`), and codes for uncoded responses learned from the team's codings
(:mod:`.codes`). Nothing here writes except :func:`.codes.accept`, which applies codes as
the accepting coder. scikit-learn is imported only when a suggestion is first asked for.
"""
