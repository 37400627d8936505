"""Warnings of the security layer for the staff pages (the admin's and the privacy desk's
front pages): ``{% load security_tags %}{% security_warnings %}``."""

from django import template

from .. import clientip, conf

register = template.Library()


@register.inclusion_tag("security/warnings.html")
def security_warnings():
    return {"forwarding": clientip.forwarding_warning(), "header": conf.client_ip_header()}
