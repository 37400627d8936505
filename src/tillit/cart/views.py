from django.http import HttpResponse


def detail(request):
    return HttpResponse("cart")


add = update = remove = detail
