sitegenSearch.d(0,{"u":"reports/poem/index.html","t":"祝福祖国","date":"2021年12月","place":"克拉玛依市","x":"你写时,我笔墨侍候, 我写时,你好好琢磨。\n克拉玛依市\n新疆维吾尔自治区\n一清\nkelamayishi\nxinjiang\nyiqing"});
