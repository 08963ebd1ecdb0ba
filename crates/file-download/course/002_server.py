# The course's first file-download server (notes 002, 案例:文件下载器), kept as the course
# writes it, flaws included: one client after another, `send` whose return value is not
# checked, a missing file answered by closing without a word, and any name opened as it
# comes (`../` included). Changed, so that tests can run it on any machine:
# - it binds to 127.0.0.1 (loopback only), on port 0 unless `--port PORT` is given: the
#   system picks a free port, and tests never collide on a fixed one;
# - it prints `listening on IP:PORT` first, flushed, so a client knows where to connect;
# - it serves the directory given as its last argument (its current directory if none),
#   and its prints are line-buffered (see the block after the imports).
# Names are opened relative to that directory, `../` included, as in the course.
"""
文件下载器的服务端，接收客户端的文件名，把文件以流的形式返回给客户端

1. 导入依赖
2. 创建TCP socket
3. 绑定IP和端口号
4. 开启监听，变为被动模式
5. 等待客户端接入
6. 接收客户端传来的文件名
7. 打开文件
8. 循环读取文件内容，发送给客户端，最后关闭文件
9. 关闭客户端
10.关闭服务器

"""
# 1. 导入依赖
from socket import *

# Added (not in the course): `python3 002_server.py [--port PORT] [DIR]` serves DIR (the current
# directory if none) on 127.0.0.1:PORT (0 if none: the system picks a free port), and every
# line printed reaches a pipe at once, so a program reading this server's output sees each
# client as it comes.
import os
import sys

sys.stdout.reconfigure(line_buffering=True)
port = 0
args = sys.argv[1:]
if args[:1] == ['--port']:
    port = int(args[1])
    args = args[2:]
if args:
    os.chdir(args[0])

# 2. 创建TCP socket
tcp_server_socket = socket(AF_INET, SOCK_STREAM)

# 当前socket对象关闭时，立即释放端口。
# .setsockopt(那个级别的套接字,属性名,属性值 )
# socket.SOL_SOCKET  当前套接字
# socket.SO_REUSEADD 设置地址重用  True 可以重用  False 不能重用
tcp_server_socket.setsockopt(SOL_SOCKET, SO_REUSEADDR, True)

# 3. 绑定IP和端口号
tcp_server_socket.bind(("127.0.0.1", port))

# 4. 开启监听，变为被动模式
tcp_server_socket.listen(128)
print("listening on %s:%d" % tcp_server_socket.getsockname(), flush=True)

print("服务器已开启，等待客户端接入")
while True:
    # 5. 等待客户端接入
    tcp_client_socket, ip_port = tcp_server_socket.accept()
    print("有新的客户端接入：", ip_port)

    # 6. 接收客户端传来的文件名
    bytes_data = tcp_client_socket.recv(1024)
    filename = bytes_data.decode()
    print(filename)

    # 7. 打开文件
    try:
        with open(filename, "rb") as f:
            while True:
                # 8. 循环读取文件内容，
                data = f.read(4096)
                if data:
                    # 发送给客户端，最后关闭文件
                    tcp_client_socket.send(data)
                else:
                    break
    except:
        print("文件不存在或打开失败: ", filename)
    else:
        print("文件已读取发送完毕！", filename)

    # 9. 关闭客户端
    tcp_client_socket.close()

# 10.关闭服务器
tcp_server_socket.close()
