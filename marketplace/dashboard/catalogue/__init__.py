default_app_config = 'marketplace.dashboard.catalogue.apps.CatalogueDashboardConfig'
