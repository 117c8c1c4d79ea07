$ipis0 << EOD
2 2.2
4 6.59
8 15.38
EOD
$time0 << EOD
1 10087
2 11493
4 9705
8 10256
EOD
$ipis1 << EOD
2 1.22
4 3.66
8 8.54
EOD
$time1 << EOD
1 7530
2 7965
4 7703
8 7889
EOD
$ipis2 << EOD
2 999.51
4 3009.52
8 7022.22
EOD
$time2 << EOD
1 10741
2 69241
4 135932
8 723398
EOD
$ipis3 << EOD
2 999.27
4 3000
8 6999.76
EOD
$time3 << EOD
1 30408
2 111445
4 143962
8 690964
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 5720
2 5529
4 5489
8 5736
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
