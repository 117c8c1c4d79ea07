$ipis0 << EOD
2 0.98
4 1.46
8 1.71
EOD
$time0 << EOD
1 10620
2 11190
4 13438
8 9836
EOD
$ipis1 << EOD
2 0.98
4 1.46
8 1.71
EOD
$time1 << EOD
1 8215
2 7965
4 9104
8 7881
EOD
$ipis2 << EOD
2 996.09
4 3010.25
8 7025.39
EOD
$time2 << EOD
1 11270
2 70306
4 123262
8 883285
EOD
$ipis3 << EOD
2 999.76
4 3000
8 7000
EOD
$time3 << EOD
1 31130
2 104774
4 158277
8 878676
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 5557
2 5655
4 5659
8 5833
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
