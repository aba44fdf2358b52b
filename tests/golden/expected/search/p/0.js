sitegenSearch.p(0,"");
