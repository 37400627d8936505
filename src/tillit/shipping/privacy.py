from tillit.privacy import datamap as dm

from .models import Carrier

dm.no_personal_data(Carrier, "The carriers the shop uses and their tracking pages.",
                    not_personal={"name": "names a carrier company"})
