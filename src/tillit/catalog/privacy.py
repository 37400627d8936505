from tillit.privacy import datamap as dm

from .models import Category, Product

dm.no_personal_data(Category, "Product categories of the shop.",
                    not_personal={"name": "names a category of products"})
dm.no_personal_data(Product, "The shop's products, prices and stock.",
                    not_personal={"name": "names a product"})
