sitegenSearch.g(0,"");
