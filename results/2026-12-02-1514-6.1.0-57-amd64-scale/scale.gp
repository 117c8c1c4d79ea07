$ipis0 << EOD
2 2.93
4 8.79
8 20.51
EOD
$time0 << EOD
1 12015
2 11956
4 18265
8 17321
EOD
$ipis1 << EOD
2 1.95
4 5.86
8 13.67
EOD
$time1 << EOD
1 9301
2 13116
4 13377
8 8341
EOD
$ipis2 << EOD
2 990.23
4 3026.37
8 7068.36
EOD
$time2 << EOD
1 13082
2 66693
4 175130
8 765562
EOD
$ipis3 << EOD
2 996.09
4 3002.93
8 7000
EOD
$time3 << EOD
1 34502
2 120870
4 219131
8 670533
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 9070
2 6061
4 9678
8 10019
EOD
set terminal svg size 720,420 dynamic font "sans,11" noenhanced
set key outside right
set grid
set xlabel "vCPUs"
set xtics (1, 2, 4, 8)
set xrange [0.5:8.5]
set output "scale-ipis.svg"
set title "6.1.0-57-amd64: kernel TLB-flush IPIs per 1000 pages, cold, seq"
set logscale y
set yrange [0.5:*]
set ylabel "flush IPIs / 1000 pages (log)"
plot $ipis0 using 1:2 with linespoints title "range", $ipis1 using 1:2 with linespoints title "range-user", $ipis2 using 1:2 with linespoints title "no-cache", $ipis3 using 1:2 with linespoints title "memfd_secret"
set output "scale-time.svg"
set title "6.1.0-57-amd64: warm time per page, seq (TCG)"
set yrange [1000:*]
set ylabel "ns / page (log)"
plot $time0 using 1:2 with linespoints title "range", $time1 using 1:2 with linespoints title "range-user", $time2 using 1:2 with linespoints title "no-cache", $time3 using 1:2 with linespoints title "memfd_secret", $time4 using 1:2 with linespoints title "alloc_pages"
