$ipis0 << EOD
2 1.22
4 3.66
8 8.54
EOD
$time0 << EOD
1 10464
2 11091
4 11175
8 10488
EOD
$ipis1 << EOD
2 1.22
4 3.66
8 8.54
EOD
$time1 << EOD
1 7990
2 7665
4 6320
8 8542
EOD
$ipis2 << EOD
2 993.65
4 3010.74
8 7025.63
EOD
$time2 << EOD
1 10888
2 74969
4 134431
8 688717
EOD
$ipis3 << EOD
2 998.05
4 3000
8 6999.76
EOD
$time3 << EOD
1 30527
2 98336
4 160939
8 674559
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 5443
2 5566
4 5984
8 5838
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
