from django.http import HttpResponse


def policy(request):
    return HttpResponse("policy")


def cookies(request):
    return HttpResponse("cookies")
