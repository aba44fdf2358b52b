sitegenSearch.d(1,{"u":"reports/she-qu-fang-yi/index.html","t":"社区防疫","date":"2022年3月","place":"太原市","x":"没有区县的报道归在城市一级。文字在此中断\n太原市\n山西省\n核酸检测\ntaiyuanshi\nshanxisheng\nhesuanjiance"});
