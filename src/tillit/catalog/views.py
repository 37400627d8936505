from django.shortcuts import render


def home(request):
    return render(request, "catalog/home.html", {})


def search(request):
    return render(request, "catalog/home.html", {})


def category(request, slug):
    return render(request, "catalog/home.html", {})


def product(request, slug):
    return render(request, "catalog/home.html", {})
