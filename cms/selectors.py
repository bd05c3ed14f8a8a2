"""Reads of the public site: lists of destinations, events and news, the
map's features, what lies near a destination."""
